import { quoteArg } from '../domain/argv.js';

/**
 * Maps a CLI-neutral scenario tool call (claude's names: Bash, Read, Write, Edit) onto the
 * tools a Responses client offers in its request. Observed with codex 0.169.0: the shell is
 * `exec_command` (a function, `{cmd}`), and `apply_patch` is a freeform `custom` tool (only
 * offered for models codex has metadata for, e.g. gpt-5.5). Older codex offered `shell`
 * (`{command: argv}`). A scenario may also name a client tool directly (`exec_command` with
 * `{cmd}`); its input is passed through.
 */

export type ToolCall =
  { kind: 'function'; name: string; arguments: string } | { kind: 'custom'; name: string; input: string };

export type MappedTool = ToolCall | { kind: 'error'; message: string };

function str(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A shell command line run by whichever shell tool the client offers. `escalate` asks codex
 * to run it outside its sandbox (`sandbox_permissions: require_escalated`), which in the
 * default `on-request` approval mode shows an approval dialog with `justification` — how a
 * real model gets `git commit` (`.git` is read-only in the workspace-write sandbox) or a
 * command that needs the network (`drover report`) to run.
 */
function shellCall(
  command: string,
  tools: ReadonlyMap<string, string>,
  escalate?: { justification: string },
): MappedTool {
  if (tools.get('exec_command') === 'function') {
    const extra = escalate ? { sandbox_permissions: 'require_escalated', justification: escalate.justification } : {};
    return { kind: 'function', name: 'exec_command', arguments: JSON.stringify({ cmd: command, ...extra }) };
  }
  if (tools.get('shell') === 'function')
    return { kind: 'function', name: 'shell', arguments: JSON.stringify({ command: ['bash', '-lc', command] }) };
  if (tools.get('shell_command') === 'function')
    return { kind: 'function', name: 'shell_command', arguments: JSON.stringify({ command }) };
  return {
    kind: 'error',
    message: `the client offers no shell tool (exec_command, shell or shell_command); offered: ${[...tools.keys()].join(', ')}`,
  };
}

function patchCall(patch: string, tools: ReadonlyMap<string, string>): MappedTool | undefined {
  const type = tools.get('apply_patch');
  if (type === 'custom') return { kind: 'custom', name: 'apply_patch', input: patch };
  if (type === 'function')
    return { kind: 'function', name: 'apply_patch', arguments: JSON.stringify({ input: patch }) };
  return undefined;
}

/** Lines of a text without the final newline's empty tail. */
function lines(text: string): string[] {
  const all = text.split('\n');
  if (all.length > 1 && all[all.length - 1] === '') all.pop();
  return all;
}

/** An apply_patch envelope that (re)creates `file` with `content` (Delete first when it may exist is not needed: Add overwrites). */
export function addFilePatch(file: string, content: string): string {
  const body = content === '' ? ['+'] : lines(content).map((l) => `+${l}`);
  return ['*** Begin Patch', `*** Add File: ${file}`, ...body, '*** End Patch', ''].join('\n');
}

/** An apply_patch envelope replacing the lines `oldText` by `newText` (codex matches whole lines). */
export function updateFilePatch(file: string, oldText: string, newText: string): string {
  return [
    '*** Begin Patch',
    `*** Update File: ${file}`,
    '@@',
    ...lines(oldText).map((l) => `-${l}`),
    ...lines(newText).map((l) => `+${l}`),
    '*** End Patch',
    '',
  ].join('\n');
}

const HEREDOC_END = 'DROVER_REHEARSAL_EOF';

function heredocWrite(file: string, content: string): string {
  const body = content.endsWith('\n') ? content : `${content}\n`;
  return `cat > ${quoteArg(file)} <<'${HEREDOC_END}'\n${body}${HEREDOC_END}`;
}

/** The client tool call for a scenario tool turn. */
export function mapToolCall(
  name: string,
  input: Record<string, unknown>,
  tools: ReadonlyMap<string, string>,
): MappedTool {
  const file = str(input, 'file_path');
  switch (name) {
    case 'Bash': {
      const command = str(input, 'command');
      if (command === undefined) return { kind: 'error', message: 'Bash needs input.command' };
      // Bash runs escalated (approval dialog) unless the turn asks for the sandbox: `sandbox: true`.
      return shellCall(
        command,
        tools,
        input.sandbox === true
          ? undefined
          : { justification: str(input, 'description') ?? `Run ${command.slice(0, 80)}` },
      );
    }
    case 'Read':
      return file === undefined
        ? { kind: 'error', message: 'Read needs input.file_path' }
        : shellCall(`cat ${quoteArg(file)}`, tools);
    case 'Write': {
      const content = str(input, 'content');
      if (file === undefined || content === undefined)
        return { kind: 'error', message: 'Write needs input.file_path and input.content' };
      return patchCall(addFilePatch(file, content), tools) ?? shellCall(heredocWrite(file, content), tools);
    }
    case 'Edit': {
      const oldText = str(input, 'old_string');
      const newText = str(input, 'new_string');
      if (file === undefined || oldText === undefined || newText === undefined)
        return { kind: 'error', message: 'Edit needs input.file_path, old_string and new_string' };
      return (
        patchCall(updateFilePatch(file, oldText, newText), tools) ?? {
          kind: 'error',
          message: 'Edit needs the apply_patch tool, which the client did not offer',
        }
      );
    }
    default: {
      const type = tools.get(name);
      if (type === 'custom') return { kind: 'custom', name, input: str(input, 'input') ?? JSON.stringify(input) };
      if (type !== undefined) return { kind: 'function', name, arguments: JSON.stringify(input) };
      return {
        kind: 'error',
        message: `the client offers no tool "${name}"; offered: ${[...tools.keys()].join(', ')}`,
      };
    }
  }
}
