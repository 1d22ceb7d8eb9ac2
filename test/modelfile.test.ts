import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FieldError } from '../src/core/errors.js';
import { parseModelfile, toCreateRequest, DEPRECATED_PARAMETERS, PARAMETER_TYPES } from '../src/core/models/index.js';
import type { Modelfile } from '../src/core/models/index.js';

const COMMAND_LIST =
  'command must be one of "from", "license", "template", "system", "adapter", "draft", "renderer", "parser", "parameter", "message", or "requires"';

function parseError(text: string, fileName?: string): FieldError {
  try {
    parseModelfile(text, fileName);
  } catch (err) {
    expect(err).toBeInstanceOf(FieldError);
    const fe = err as FieldError;
    expect(fe.kind).toBe('modelfile');
    expect(fe.exitCode).toBe(5);
    expect(fe.fix).toMatch(/\S/);
    return fe;
  }
  throw new Error(`expected a modelfile error for ${JSON.stringify(text)}`);
}

describe('parseModelfile: lexing', () => {
  const cases: Array<{ name: string; text: string; expected: Partial<Modelfile> }> = [
    { name: 'minimal FROM', text: 'FROM qwen3:8b', expected: { from: 'qwen3:8b' } },
    { name: 'BOM is stripped', text: '\uFEFFFROM qwen3:8b\n', expected: { from: 'qwen3:8b' } },
    {
      name: 'instruction names are case-insensitive',
      text: 'from qwen3:8b\nSyStEm hi\nparameter num_ctx 4\nLicense MIT',
      expected: { from: 'qwen3:8b', system: 'hi', parameters: { num_ctx: 4 }, license: ['MIT'] },
    },
    { name: 'tab separates instruction and value', text: 'FROM\tqwen3:8b', expected: { from: 'qwen3:8b' } },
    {
      name: 'blank lines, leading spaces and comments are skipped',
      text: '\n# header\n   # indented comment\n\n   FROM qwen3:8b\n\t\n',
      expected: { from: 'qwen3:8b' },
    },
    {
      name: '# after a value is part of the value',
      text: 'FROM qwen3:8b\nSYSTEM be brief # really',
      expected: { system: 'be brief # really' },
    },
    { name: 'unquoted value is trimmed, inner spaces kept', text: 'FROM x\nSYSTEM    a   b  \t', expected: { system: 'a   b' } },
    { name: '"..." keeps inner padding', text: 'FROM x\nSYSTEM "  padded  "', expected: { system: '  padded  ' } },
    { name: '"..." spans lines', text: 'FROM x\nSYSTEM "line one\nline two"\n', expected: { system: 'line one\nline two' } },
    {
      name: '"""...""" keeps the newline after the opening quotes',
      text: 'FROM x\nSYSTEM """\nThis is a\nmultiline system.\n"""',
      expected: { system: '\nThis is a\nmultiline system.\n' },
    },
    { name: '"""...""" may contain lone quotes', text: 'FROM x\nSYSTEM """say "hi" now"""', expected: { system: 'say "hi" now' } },
    { name: 'no escape sequences', text: 'FROM x\nSYSTEM "a\\nb\\"', expected: { system: 'a\\nb\\' } },
    { name: 'exactly one pair of " is stripped', text: 'FROM x\nSYSTEM ""x""', expected: { system: '"x"' } },
    { name: 'exactly one pair of """ is stripped', text: 'FROM x\nSYSTEM """"x""""', expected: { system: '"x"' } },
    { name: 'single quotes are not special', text: "FROM x\nSYSTEM 'hi'", expected: { system: "'hi'" } },
    { name: 'empty quoted value', text: 'FROM x\nSYSTEM ""', expected: { system: '' } },
    {
      name: 'text after a closing quote keeps the value open to the next line ending in a quote',
      text: 'FROM x\nSYSTEM "a" b\nc"\nLICENSE MIT',
      expected: { system: 'a" b\nc', license: ['MIT'] },
    },
    { name: 'quote in the middle of an unquoted value is literal', text: 'FROM x\nSYSTEM say "hi', expected: { system: 'say "hi' } },
    {
      name: 'CRLF line endings',
      text: 'FROM x\r\nSYSTEM hi\r\nLICENSE MIT\r\n',
      expected: { from: 'x', system: 'hi', license: ['MIT'] },
    },
    {
      name: 'non-printable runes are dropped as Ollama drops them',
      text: 'FROM x\nSYSTEM a\u00a0b\u200dc',
      expected: { system: 'abc' },
    },
    {
      name: 'tabs inside a value are kept',
      text: 'FROM x\nSYSTEM a\tb',
      expected: { system: 'a\tb' },
    },
    { name: 'FROM may come after other instructions', text: 'SYSTEM hi\nFROM qwen3:8b', expected: { from: 'qwen3:8b', system: 'hi' } },
    { name: 'the last FROM wins', text: 'FROM a\nFROM b', expected: { from: 'b' } },
    { name: 'the last SYSTEM wins', text: 'FROM x\nSYSTEM one\nSYSTEM two', expected: { system: 'two' } },
    { name: 'the last TEMPLATE wins', text: 'FROM x\nTEMPLATE a\nTEMPLATE """{{ .Prompt }}"""', expected: { template: '{{ .Prompt }}' } },
    { name: 'LICENSE accumulates', text: 'FROM x\nLICENSE MIT\nLICENSE """Apache\n2.0"""', expected: { license: ['MIT', 'Apache\n2.0'] } },
    {
      name: 'MESSAGE keeps order and content',
      text: 'FROM x\nMESSAGE system be kind\nMESSAGE user "Hi there"\nMESSAGE assistant Hello.',
      expected: {
        messages: [
          { role: 'system', content: 'be kind' },
          { role: 'user', content: 'Hi there' },
          { role: 'assistant', content: 'Hello.' },
        ],
      },
    },
    { name: 'ADAPTER is recorded', text: 'FROM x\nADAPTER ./lora.gguf', expected: { adapter: './lora.gguf' } },
    { name: 'REQUIRES semver', text: 'FROM x\nREQUIRES 0.14.0', expected: { requires: '0.14.0' } },
    { name: 'REQUIRES drops a leading v', text: 'FROM x\nREQUIRES v0.14.0', expected: { requires: '0.14.0' } },
    { name: 'REQUIRES short forms', text: 'FROM x\nREQUIRES 1.2', expected: { requires: '1.2' } },
    { name: 'REQUIRES prerelease and build', text: 'FROM x\nREQUIRES 1.2.3-rc.1+build.5', expected: { requires: '1.2.3-rc.1+build.5' } },
    { name: 'RENDERER and PARSER', text: 'FROM x\nRENDERER qwen3\nPARSER qwen3', expected: { renderer: 'qwen3', parser: 'qwen3' } },
  ];

  it.each(cases)('$name', ({ text, expected }) => {
    expect(parseModelfile(text)).toMatchObject(expected);
  });

  it('fills defaults for a bare FROM', () => {
    expect(parseModelfile('FROM qwen3:8b')).toEqual({
      from: 'qwen3:8b',
      parameters: {},
      messages: [],
      license: [],
      warnings: [],
    });
  });
});

describe('parseModelfile: PARAMETER', () => {
  const valid: Array<[string, string, unknown]> = [
    ['num_ctx', '8192', 8192],
    ['num_batch', '512', 512],
    ['num_gpu', '-1', -1],
    ['main_gpu', '0', 0],
    ['use_mmap', 'true', true],
    ['use_mmap', 'F', false],
    ['use_mmap', '1', true],
    ['use_mmap', 'FALSE', false],
    ['num_thread', '8', 8],
    ['num_keep', '4', 4],
    ['seed', '-1', -1],
    ['seed', '+42', 42],
    ['seed', '007', 7],
    ['num_predict', '2048', 2048],
    ['top_k', '40', 40],
    ['top_p', '0.9', 0.9],
    ['top_p', '.5', 0.5],
    ['min_p', '0', 0],
    ['typical_p', '1.', 1],
    ['repeat_last_n', '64', 64],
    ['temperature', '0.7', 0.7],
    ['temperature', '1e-1', 0.1],
    ['temperature', '+7E-1', 0.7],
    ['temperature', '1_0.5', 10.5],
    ['temperature', '0x1p-2', 0.25],
    ['repeat_penalty', '1.1', 1.1],
    ['presence_penalty', '-0.5', -0.5],
    ['frequency_penalty', '2', 2],
    ['draft_num_predict', '4', 4],
    ['temperature', '"0.3"', 0.3],
  ];

  it.each(valid)('PARAMETER %s %s', (name, value, expected) => {
    expect(parseModelfile(`FROM x\nPARAMETER ${name} ${value}`).parameters).toEqual({ [name]: expected });
  });

  it('covers every valid option name', () => {
    expect(new Set(valid.map(([name]) => name))).toEqual(new Set(Object.keys(PARAMETER_TYPES).filter((n) => n !== 'stop')));
  });

  it('accumulates repeated stop lines into an array, unquoted', () => {
    const mf = parseModelfile('FROM x\nPARAMETER stop "<|im_end|>"\nPARAMETER num_ctx 1\nPARAMETER stop <|im_start|>');
    expect(mf.parameters).toEqual({ stop: ['<|im_end|>', '<|im_start|>'], num_ctx: 1 });
  });

  it('makes a single stop an array', () => {
    expect(parseModelfile('FROM x\nPARAMETER stop END').parameters).toEqual({ stop: ['END'] });
  });

  it('keeps the last value of a repeated scalar parameter', () => {
    expect(parseModelfile('FROM x\nPARAMETER temperature 0.1\nPARAMETER temperature 0.9').parameters).toEqual({ temperature: 0.9 });
  });

  it.each(DEPRECATED_PARAMETERS.map((name, i) => [name, i]))('drops deprecated %s with a warning', (name) => {
    const mf = parseModelfile(`FROM x\n\nPARAMETER ${name} 1\nPARAMETER num_ctx 8`, 'm.Modelfile');
    expect(mf.parameters).toEqual({ num_ctx: 8 });
    expect(mf.warnings).toEqual([`m.Modelfile:3: parameter ${name} is deprecated and was dropped`]);
  });

  const invalid: Array<[string, string]> = [
    ['PARAMETER temperature 0.7 # hot', 'invalid float value [0.7 # hot]'],
    ['PARAMETER Temperature 1', "unknown parameter 'Temperature'"],
    ['PARAMETER NUM_CTX 1', "unknown parameter 'NUM_CTX'"],
    ['PARAMETER tfs_z 1', "unknown parameter 'tfs_z'"],
    ['PARAMETER Mirostat 1', "unknown parameter 'Mirostat'"],
    ['PARAMETER  temperature 1', "unknown parameter ''"],
    ['PARAMETER num_ctx 8k', 'invalid int value [8k]'],
    ['PARAMETER num_ctx 8192.0', 'invalid int value [8192.0]'],
    ['PARAMETER num_ctx 1_000', 'invalid int value [1_000]'],
    ['PARAMETER num_ctx 0x10', 'invalid int value [0x10]'],
    ['PARAMETER num_ctx ""', 'invalid int value []'],
    ['PARAMETER seed 9223372036854775808', 'invalid int value [9223372036854775808]'],
    ['PARAMETER temperature abc', 'invalid float value [abc]'],
    ['PARAMETER temperature 0.7f', 'invalid float value [0.7f]'],
    ['PARAMETER temperature .', 'invalid float value [.]'],
    ['PARAMETER temperature 1e', 'invalid float value [1e]'],
    ['PARAMETER temperature 1__0', 'invalid float value [1__0]'],
    ['PARAMETER temperature _1', 'invalid float value [_1]'],
    ['PARAMETER temperature 1e39', 'invalid float value [1e39]'],
    ['PARAMETER temperature inf', 'invalid float value [inf]'],
    ['PARAMETER temperature NaN', 'invalid float value [NaN]'],
    ['PARAMETER temperature 0,7', 'invalid float value [0,7]'],
    ['PARAMETER use_mmap yes', 'invalid bool value [yes]'],
    ['PARAMETER use_mmap tRuE', 'invalid bool value [tRuE]'],
  ];

  it.each(invalid)('%s -> %s', (line, message) => {
    expect(parseError(`FROM x\n${line}`).message).toBe(`Modelfile:2: ${message}`);
  });

  it('hints that comments must start a line', () => {
    expect(parseError('FROM x\nPARAMETER temperature 0.7 # hot').fix).toMatch(/comments must start a line/);
  });
});

describe('parseModelfile: errors cite the file and line', () => {
  const cases: Array<{ name: string; text: string; message: string }> = [
    { name: 'missing FROM', text: 'SYSTEM hi\nPARAMETER num_ctx 1', message: 'Modelfile:1: no FROM line' },
    { name: 'empty file', text: '', message: 'Modelfile:1: no FROM line' },
    { name: 'only comments', text: '# FROM qwen3:8b\n', message: 'Modelfile:1: no FROM line' },
    { name: 'unknown instruction', text: 'FROM x\n\nFOO bar', message: `Modelfile:3: unknown instruction "FOO": ${COMMAND_LIST}` },
    { name: 'non-letter in instruction', text: 'FROM x\nSYS7EM hi', message: `Modelfile:2: unknown instruction "SYS7EM": ${COMMAND_LIST}` },
    { name: 'unknown instruction at EOF', text: 'FROM x\nFOO', message: `Modelfile:2: unknown instruction "FOO": ${COMMAND_LIST}` },
    { name: 'instruction without value', text: 'FROM\nSYSTEM hi', message: 'Modelfile:1: FROM has no value' },
    { name: 'instruction without value at EOF', text: 'FROM x\nSYSTEM', message: 'Modelfile:2: SYSTEM has no value (unexpected EOF)' },
    {
      name: 'unterminated """',
      text: 'FROM x\nPARAMETER num_ctx 1\nSYSTEM """You are\nterse.\n',
      message: 'Modelfile:3: unterminated quote in SYSTEM value (unexpected EOF)',
    },
    { name: 'unterminated "', text: 'FROM x\nTEMPLATE "{{ .Prompt }}', message: 'Modelfile:2: unterminated quote in TEMPLATE value (unexpected EOF)' },
    { name: 'unterminated quote in FROM', text: 'FROM "qwen3:8b', message: 'Modelfile:1: unterminated quote in FROM value (unexpected EOF)' },
    {
      name: 'short """ never closes',
      text: 'FROM x\nSYSTEM """"',
      message: 'Modelfile:2: unterminated quote in SYSTEM value (unexpected EOF)',
    },
    {
      name: 'parameter without value',
      text: 'FROM x\nPARAMETER num_ctx\nSYSTEM hi',
      message: 'Modelfile:2: PARAMETER num_ctx has no value (unexpected EOF: num_ctx)',
    },
    { name: 'parameter without value at EOF', text: 'FROM x\nPARAMETER seed', message: 'Modelfile:2: PARAMETER seed has no value (unexpected EOF: seed)' },
    { name: 'parameter without name', text: 'FROM x\nPARAMETER \n', message: 'Modelfile:2: PARAMETER has no name (unexpected EOF: )' },
    {
      name: 'invalid character in parameter name',
      text: 'FROM x\nPARAMETER num-ctx 1',
      message: 'Modelfile:2: invalid parameter name "num-ctx": only letters, digits and _ are allowed (unexpected EOF: num)',
    },
    {
      name: 'message role tool',
      text: 'FROM x\nMESSAGE tool {}',
      message: 'Modelfile:2: message role must be "system", "user", or "assistant" (got "tool")',
    },
    {
      name: 'message role is case-sensitive',
      text: 'FROM x\nMESSAGE User hi',
      message: 'Modelfile:2: message role must be "system", "user", or "assistant" (got "User")',
    },
    {
      name: 'message role with punctuation',
      text: 'FROM x\nMESSAGE user: hi',
      message: 'Modelfile:2: message role must be "system", "user", or "assistant" (got "user:")',
    },
    { name: 'message without content', text: 'FROM x\nMESSAGE user\n', message: 'Modelfile:2: MESSAGE user has no content (unexpected EOF: user)' },
    { name: 'REQUIRES not semver', text: 'FROM x\nREQUIRES latest', message: 'Modelfile:2: requires must be a valid semver (e.g. 0.14.0), got "latest"' },
    { name: 'REQUIRES leading zero', text: 'FROM x\nREQUIRES 01.2.3', message: 'Modelfile:2: requires must be a valid semver (e.g. 0.14.0), got "01.2.3"' },
    {
      name: 'REQUIRES numeric prerelease with leading zero',
      text: 'FROM x\nREQUIRES 1.2.3-01',
      message: 'Modelfile:2: requires must be a valid semver (e.g. 0.14.0), got "1.2.3-01"',
    },
    {
      name: 'REQUIRES prerelease on a short version',
      text: 'FROM x\nREQUIRES 1.2-rc',
      message: 'Modelfile:2: requires must be a valid semver (e.g. 0.14.0), got "1.2-rc"',
    },
    { name: 'REQUIRES capital V', text: 'FROM x\nREQUIRES V1.2.3', message: 'Modelfile:2: requires must be a valid semver (e.g. 0.14.0), got "V1.2.3"' },
    { name: 'empty FROM', text: 'FROM ""', message: 'Modelfile:1: FROM has no model name' },
    {
      name: 'relative path FROM',
      text: '# local\nFROM ./weights.gguf',
      message: 'Modelfile:2: FROM ./weights.gguf: local weights are not supported by field, use a registry model',
    },
    {
      name: 'absolute path FROM',
      text: 'FROM /models/qwen',
      message: 'Modelfile:1: FROM /models/qwen: local weights are not supported by field, use a registry model',
    },
    {
      name: 'home path FROM',
      text: 'FROM "~/models/qwen.gguf"',
      message: 'Modelfile:1: FROM ~/models/qwen.gguf: local weights are not supported by field, use a registry model',
    },
    {
      name: 'DRAFT needs local weights',
      text: 'FROM x\nDRAFT ./draft',
      message: 'Modelfile:2: DRAFT ./draft: local weights are not supported by field, use a registry model',
    },
    {
      name: 'line numbers count a multi-line value',
      text: 'FROM x\nSYSTEM """one\ntwo\nthree"""\nPARAMETER top_k many',
      message: 'Modelfile:5: invalid int value [many]',
    },
    {
      name: 'CRLF counts as one line break',
      text: 'FROM x\r\n\r\nPARAMETER top_k many\r\n',
      message: 'Modelfile:3: invalid int value [many]',
    },
    {
      name: 'a lone CR is a line break',
      text: 'FROM x\rPARAMETER top_k many',
      message: 'Modelfile:2: invalid int value [many]',
    },
    {
      name: 'lexing errors win over later semantic ones',
      text: 'FROM x\nPARAMETER top_k many\nSYSTEM "open',
      message: 'Modelfile:3: unterminated quote in SYSTEM value (unexpected EOF)',
    },
    {
      name: 'the first semantic error wins',
      text: 'FROM x\nPARAMETER top_k many\nPARAMETER temperature hot',
      message: 'Modelfile:2: invalid int value [many]',
    },
  ];

  it.each(cases)('$name', ({ text, message }) => {
    expect(parseError(text).message).toBe(message);
  });

  it('uses the given file name', () => {
    expect(parseError('FROM x\nPARAMETER num_ctx big', 'modelfiles/prd.Modelfile').message).toBe(
      'modelfiles/prd.Modelfile:2: invalid int value [big]',
    );
  });
});

describe('toCreateRequest', () => {
  it('maps the reference example to the exact JSON body', () => {
    const text = [
      'FROM qwen3:8b',
      'PARAMETER num_ctx 16384',
      'PARAMETER temperature 0.6',
      'PARAMETER stop "<|im_end|>"',
      'PARAMETER stop "<|im_start|>"',
      'SYSTEM """You are terse.',
      'Answer in one line."""',
      'MESSAGE user Hi',
      'MESSAGE assistant Hello.',
    ].join('\n');
    const body = toCreateRequest('my-qwen', parseModelfile(text));
    expect(JSON.stringify(body)).toBe(
      '{"model":"my-qwen","from":"qwen3:8b",' +
        '"parameters":{"num_ctx":16384,"temperature":0.6,"stop":["<|im_end|>","<|im_start|>"]},' +
        '"system":"You are terse.\\nAnswer in one line.",' +
        '"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello."}]}',
    );
  });

  it('omits empty fields like Go omitempty', () => {
    expect(toCreateRequest('m', parseModelfile('FROM qwen3:8b\nSYSTEM ""'))).toEqual({ model: 'm', from: 'qwen3:8b' });
  });

  it('carries template, license, requires, renderer and parser', () => {
    const mf = parseModelfile(
      'FROM x\nTEMPLATE "{{ .Prompt }}"\nLICENSE MIT\nLICENSE Apache\nREQUIRES v0.14.0\nRENDERER qwen3\nPARSER qwen3',
    );
    expect(toCreateRequest('m', mf)).toEqual({
      model: 'm',
      from: 'x',
      template: '{{ .Prompt }}',
      license: ['MIT', 'Apache'],
      requires: '0.14.0',
      renderer: 'qwen3',
      parser: 'qwen3',
    });
  });

  it('never sends a modelfile field, and copies rather than shares arrays', () => {
    const mf = parseModelfile('FROM x\nPARAMETER stop a\nLICENSE MIT');
    const body = toCreateRequest('m', mf);
    expect(body).not.toHaveProperty('modelfile');
    (body.parameters?.stop as string[]).push('b');
    body.license?.push('GPL');
    expect(mf.parameters.stop).toEqual(['a']);
    expect(mf.license).toEqual(['MIT']);
  });

  it('refuses an ADAPTER, which would need a blob upload', () => {
    const mf = parseModelfile('FROM x\nADAPTER ./lora.gguf');
    expect(() => toCreateRequest('m', mf)).toThrow(FieldError);
    expect(() => toCreateRequest('m', mf)).toThrow(/ADAPTER \.\/lora\.gguf: local weights are not supported by field/);
  });
});

describe('shipped modelfiles', () => {
  const dir = fileURLToPath(new URL('../modelfiles/', import.meta.url));
  const shipped = [
    { mode: 'prd', base: 'qwen3:8b', temperature: 0.7 },
    { mode: 'code', base: 'qwen2.5-coder:7b', temperature: 0.3 },
    { mode: 'wire', base: 'qwen3:8b', temperature: 0.5 },
    { mode: 'arch', base: 'deepseek-r1:8b', temperature: 0.4 },
    { mode: 'vision', base: 'llava:7b', temperature: 0.3 },
    { mode: 'doc', base: 'qwen3:8b', temperature: 0.5 },
  ];
  const load = (mode: string): { text: string; mf: Modelfile } => {
    const text = readFileSync(`${dir}${mode}.Modelfile`, 'utf8');
    return { text, mf: parseModelfile(text, `modelfiles/${mode}.Modelfile`) };
  };
  const words = (s: string): number => s.split(/\s+/).filter(Boolean).length;

  it('ships exactly one Modelfile per mode', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.Modelfile'));
    expect(files.sort()).toEqual(shipped.map((s) => `${s.mode}.Modelfile`).sort());
  });

  describe.each(shipped)('modelfiles/$mode', ({ mode, base, temperature }) => {
    it('parses with the expected base, num_ctx 8192 and temperature, and no warnings', () => {
      const { mf } = load(mode);
      expect(mf.from).toBe(base);
      expect(mf.parameters).toEqual({ num_ctx: 8192, temperature });
      expect(mf.warnings).toEqual([]);
      expect(toCreateRequest(`field-${mode}`, mf)).toMatchObject({ model: `field-${mode}`, from: base });
    });

    it('opens with a # comment saying what the model is for', () => {
      expect(load(mode).text.split('\n')[0]).toMatch(new RegExp(`^# field-${mode}: \\S.{20,}`));
    });

    it('has a system prompt of 150-300 words in the house style', () => {
      const system = load(mode).mf.system ?? '';
      expect(words(system)).toBeGreaterThanOrEqual(150);
      expect(words(system)).toBeLessThanOrEqual(300);
      expect(system).not.toMatch(/[\u2013\u2014]/);
      expect(system).toBe(system.trim());
    });

    it('system prompt matches the reviewed snapshot', async () => {
      await expect(load(mode).mf.system).toMatchFileSnapshot(`__snapshots__/modelfile-system/${mode}.txt`);
    });
  });

  it('prd prompt names the five sections as ## headings in order', () => {
    const system = load('prd').mf.system ?? '';
    const at = ['Problem Statement', 'Hypothesis', 'Kill Criteria', 'Acceptance Criteria', 'Agent Brief'].map((h) =>
      system.indexOf(`\n## ${h}\n`),
    );
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(system).toContain('- [ ]');
    expect(system).toContain('npm run verify');
  });

  it('code prompt pins the D1 binding, migrations and the error shape', () => {
    const system = load('code').mf.system ?? '';
    for (const rule of ['c.env.DB', 'migrations/NNNN_<name>.sql', '```sql', '```ts', '{ error:', 'console.error', 'Zod', 'Vitest']) {
      expect(system).toContain(rule);
    }
  });

  it('wire prompt lists the five-state model', () => {
    expect(load('wire').mf.system).toContain('empty, ready, streaming, complete, error');
  });
});
