/**
 * The `Examples:` section of a command's --help, in one layout for every command (help.test.ts checks each line
 * runs that command with options it has).
 *
 * @example cmd.addHelpText('after', examples('rat status', 'rat status --json   # exit code 1 while out of step'))
 */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}
