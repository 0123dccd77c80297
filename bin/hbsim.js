#!/usr/bin/env node
// The `hbsim` command as an ES module path, for whoever runs bin/hbsim.js: the command
// itself is bin/hbsim.cjs (package.json's bin), which needs no ES module loader.
import './hbsim.cjs';
