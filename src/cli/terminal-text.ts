/**
 * Text from scenario files and command lines may hold control characters (ESC, OSC,
 * BEL, NUL, CR): echoed raw to a terminal they can recolour it, retitle it, rewrite
 * earlier lines or ring it. Messages are made safe before printing: every control
 * character except the newline is shown escaped (\x1b, \u009b), so the text is still
 * readable and nothing is executed.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
