import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blocking, diagnose, exitCode, exitKind, summarize } from '../src/core/doctor/index.js';
import type { DoctorFacts, FieldModelFact, Finding, ModelsFact } from '../src/core/doctor/index.js';
import { EXIT_CODES } from '../src/core/errors.js';
import { MODE_SPECS, MODES } from '../src/core/models/index.js';
import { createSensors, parsePmsetBatt, parseThermalPressure } from '../src/adapters/device/index.js';
import { renderFindings } from '../src/cli/commands/doctor.js';
import { createStyle } from '../src/cli/style.js';

const GB = 1e9;

function fieldModels(state: 'installed' | 'missing' | 'drifted' = 'installed'): FieldModelFact[] {
  return MODES.map((mode) => ({
    mode,
    model: MODE_SPECS[mode].model,
    base: MODE_SPECS[mode].base,
    status: { state, reasons: state === 'drifted' ? ['temperature is 0.9, Modelfile says 0.7'] : state === 'missing' ? ['not installed'] : [] },
    size: state === 'missing' ? null : 5.2 * GB,
  }));
}

function bases(present = true): Extract<ModelsFact, { state: 'checked' }>['bases'] {
  const byBase = new Map<string, string[]>();
  for (const mode of MODES) byBase.set(MODE_SPECS[mode].base, [...(byBase.get(MODE_SPECS[mode].base) ?? []), MODE_SPECS[mode].model]);
  return [...byBase].map(([name, usedBy]) => ({ name, present, size: present ? 4.7 * GB : null, usedBy }));
}

function healthy(): DoctorFacts {
  return {
    config: { path: '/cfg/config.json', exists: true, problem: null },
    host: { url: 'http://127.0.0.1:11434', loopback: true },
    ollama: { reachable: true, version: '0.12.6' },
    models: {
      state: 'checked',
      fieldModels: fieldModels(),
      bases: bases(),
      context: { state: 'loaded', model: 'field-prd', contextLength: 8192, size: 5.2 * GB, sizeVram: 5.2 * GB },
    },
    numCtx: 8192,
    memory: { freeBytes: 9 * GB, totalBytes: 16 * GB, residentBytes: 0 },
    sensors: { thermal: { source: 'notifyutil', level: 1 }, power: { source: 'pmset', onBattery: true, batteryPercent: 80 } },
    workspace: { root: '/work', problem: null },
  };
}

function checked(facts: DoctorFacts): Extract<ModelsFact, { state: 'checked' }> {
  if (facts.models.state !== 'checked') throw new Error('fixture has no models');
  return facts.models;
}

const byId = (findings: Finding[], id: string): Finding => {
  const found = findings.find((f) => f.id === id);
  if (!found) throw new Error(`no finding ${id} in ${findings.map((f) => f.id).join(', ')}`);
  return found;
};

describe('diagnose: one fact changed from a healthy machine', () => {
  it('a healthy machine has only ok findings and exits 0', () => {
    const findings = diagnose(healthy());
    expect(findings.filter((f) => f.status !== 'ok')).toEqual([]);
    expect(blocking(findings)).toBe(false);
    expect(exitCode(findings)).toBe(0);
    expect(findings.map((f) => f.id)).toEqual([
      'config', 'ollama', 'host',
      ...MODES.map((m) => `model.${m}`),
      'base.qwen3:8b', 'base.qwen2.5-coder:7b', 'base.deepseek-r1:8b', 'base.llava:7b',
      'context', 'memory', 'thermal', 'power', 'workspace',
    ]);
  });

  const cases: Array<{ name: string; change: (f: DoctorFacts) => void; id: string; status: Finding['status']; detail?: RegExp; fix?: RegExp; exit?: keyof typeof EXIT_CODES; alsoMoves?: string[] }> = [
    {
      name: 'bad config file',
      change: (f) => (f.config.problem = { message: 'config file /cfg/config.json is not valid JSON', kind: 'config', fix: 'fix the file by hand' }),
      id: 'config', status: 'fail', detail: /\/cfg\/config\.json is not valid JSON/, fix: /fix the file/, exit: 'config',
    },
    {
      name: 'Ollama down',
      change: (f) => {
        f.ollama = { reachable: false, problem: { message: 'Ollama is not running at http://127.0.0.1:11434 (ECONNREFUSED)', kind: 'ollama_down' } };
        f.models = { state: 'skipped', reason: 'Ollama is not reachable' };
      },
      id: 'ollama', status: 'fail', detail: /ECONNREFUSED/, fix: /start Ollama \(`ollama serve`\)/, exit: 'ollama_down', alsoMoves: ['models'],
    },
    {
      name: 'non-loopback host',
      change: (f) => (f.host = { url: 'http://192.168.1.20:11434', loopback: false }),
      id: 'host', status: 'warn', detail: /192\.168\.1\.20.*leave the laptop/,
    },
    {
      name: 'field model missing',
      change: (f) => (checked(f).fieldModels[0] = fieldModels('missing')[0]!),
      id: 'model.prd', status: 'fail', detail: /field-prd is not installed/, fix: /run `field setup`/, exit: 'model_missing',
    },
    {
      name: 'field model drifted',
      change: (f) => (checked(f).fieldModels[1] = fieldModels('drifted')[1]!),
      id: 'model.code', status: 'warn', detail: /temperature is 0\.9, Modelfile says 0\.7/, fix: /field setup/,
    },
    {
      name: 'broken user Modelfile',
      change: (f) => {
        checked(f).fieldModels[2] = { ...fieldModels()[2]!, status: null, problem: { message: 'wire.Modelfile:3: unknown parameter', kind: 'modelfile' } };
      },
      id: 'model.wire', status: 'fail', detail: /unknown parameter/, exit: 'modelfile',
    },
    {
      name: 'base missing while its field models exist',
      change: (f) => (checked(f).bases[0]!.present = false),
      id: 'base.qwen3:8b', status: 'warn', detail: /still work/, fix: /network/,
    },
    {
      name: 'base missing and a field model to build',
      change: (f) => {
        const m = checked(f);
        m.bases[1]!.present = false;
        m.fieldModels[1] = fieldModels('missing')[1]!;
      },
      id: 'base.qwen2.5-coder:7b', status: 'fail', detail: /field-code cannot be created/, exit: 'model_missing', alsoMoves: ['model.code'],
    },
    {
      name: 'context capped below the budget',
      change: (f) => (checked(f).context = { state: 'loaded', model: 'field-prd', contextLength: 4096, size: 5 * GB, sizeVram: 5 * GB }),
      id: 'context', status: 'warn', detail: /4096-token context, budget\.numCtx is 8192/, fix: /budget\.numCtx 4096/,
    },
    {
      name: 'partial CPU offload',
      change: (f) => (checked(f).context = { state: 'loaded', model: 'field-prd', contextLength: 8192, size: 6 * GB, sizeVram: 4.5 * GB }),
      id: 'context', status: 'warn', detail: /25% of field-prd runs on the CPU/, fix: /close the browser and Docker/,
    },
    {
      name: 'old Ollama without context_length',
      change: (f) => (checked(f).context = { state: 'loaded', model: 'field-prd', contextLength: null, size: 5 * GB, sizeVram: 5 * GB }),
      id: 'context', status: 'warn', fix: /update Ollama/,
    },
    {
      name: 'load crashed the runner',
      change: (f) => {
        checked(f).context = { state: 'load-failed', model: 'field-prd', timedOut: false, problem: { message: 'the model runner stopped', kind: 'runner_crashed' } };
      },
      id: 'context', status: 'fail', detail: /could not be loaded/, exit: 'runner_crashed',
    },
    {
      name: 'load timed out',
      change: (f) => {
        checked(f).context = { state: 'load-failed', model: 'field-prd', timedOut: true, problem: { message: 'aborted', kind: 'stream_broken' } };
      },
      id: 'context', status: 'warn', detail: /did not finish loading/,
    },
    {
      name: 'model larger than free memory',
      change: (f) => (f.memory = { freeBytes: 3 * GB, totalBytes: 16 * GB, residentBytes: 0 }),
      id: 'memory', status: 'warn', detail: /3\.0 GB free of 16\.0 GB.*field-prd, needs 5\.2 GB/, fix: /close the browser and Docker/,
    },
    {
      name: 'memory Ollama already holds counts as free',
      change: (f) => (f.memory = { freeBytes: 1 * GB, totalBytes: 16 * GB, residentBytes: 5.2 * GB }),
      id: 'memory', status: 'ok', detail: /6\.2 GB free .*counting 5\.2 GB Ollama already holds/,
    },
    {
      name: 'thermal pressure 0 is unverified',
      change: (f) => (f.sensors.thermal = { source: 'notifyutil', level: 0 }),
      id: 'thermal', status: 'ok', detail: /^nominal \(unverified: an unknown key also reads 0\)$/,
    },
    {
      name: 'heavy thermal pressure',
      change: (f) => (f.sensors.thermal = { source: 'notifyutil', level: 2 }),
      id: 'thermal', status: 'warn', detail: /heavy/, fix: /cool/,
    },
    {
      name: 'hot Linux zone',
      change: (f) => (f.sensors.thermal = { source: 'sysfs', celsius: 91, zone: 'thermal_zone1, x86_pkg_temp' }),
      id: 'thermal', status: 'warn', detail: /91 °C/,
    },
    {
      name: 'thermal unreadable',
      change: (f) => (f.sensors.thermal = 'unknown'),
      id: 'thermal', status: 'warn', detail: /not readable/,
    },
    {
      name: 'low battery',
      change: (f) => (f.sensors.power = { source: 'sysfs', onBattery: true, batteryPercent: 12 }),
      id: 'power', status: 'warn', detail: /on battery, battery 12%/, fix: /plug in/,
    },
    {
      name: 'power unreadable',
      change: (f) => (f.sensors.power = 'unknown'),
      id: 'power', status: 'warn', detail: /not readable/,
    },
    {
      name: 'workspace not writable',
      change: (f) => (f.workspace = { root: '/ro/field-work', problem: 'EACCES' }),
      id: 'workspace', status: 'fail', detail: /\/ro\/field-work is not writable \(EACCES\)/, fix: /FIELD_WORK/, exit: 'workspace',
    },
  ];

  it.each(cases)('$name', ({ change, id, status, detail, fix, exit, alsoMoves = [] }) => {
    const facts = healthy();
    change(facts);
    const findings = diagnose(facts);
    const finding = byId(findings, id);
    expect(finding.status).toBe(status);
    if (detail) expect(finding.detail).toMatch(detail);
    if (fix) expect(finding.fix).toMatch(fix);
    expect(blocking(findings)).toBe(status === 'fail');
    expect(exitCode(findings)).toBe(exit ? EXIT_CODES[exit] : 0);
    // Only the changed check (and what follows from it) moves off ok.
    expect(findings.filter((f) => f.status !== 'ok' && f.id !== id).map((f) => f.id)).toEqual(alsoMoves);
  });
});

describe('diagnose: Ollama down', () => {
  it('skips the model checks with one line and still reports memory, sensors and workspace', () => {
    const facts = healthy();
    facts.ollama = { reachable: false, problem: { message: 'Ollama is not running', kind: 'ollama_down' } };
    facts.models = { state: 'skipped', reason: 'Ollama is not reachable, so models and context were not checked' };
    const findings = diagnose(facts);
    expect(findings.filter((f) => f.id.startsWith('model') || f.id.startsWith('base') || f.id === 'context').map((f) => f.id)).toEqual(['models']);
    expect(byId(findings, 'models')).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^skipped: Ollama is not reachable/) });
    expect(byId(findings, 'memory').detail).toMatch(/model sizes unknown/);
    expect(exitCode(findings)).toBe(EXIT_CODES.ollama_down);
  });
});

describe('exitKind picks the most relevant failure', () => {
  const f = (kind: Finding['kind'], status: Finding['status'] = 'fail'): Finding => ({ id: String(kind), status, title: '', detail: '', ...(kind ? { kind } : {}) });
  it.each<[string, Finding[], ReturnType<typeof exitKind>]>([
    ['nothing failed', [f('config', 'warn')], null],
    ['Ollama down beats everything', [f('workspace'), f('config'), f('model_missing'), f('ollama_down')], 'ollama_down'],
    ['missing models beat config', [f('config'), f('model_missing')], 'model_missing'],
    ['config beats workspace', [f('workspace'), f('config')], 'config'],
    ['other kinds in report order', [f('runner_crashed'), f('modelfile')], 'runner_crashed'],
    ['a failure without a kind is internal', [f(undefined)], 'internal'],
  ])('%s', (_name, findings, kind) => {
    expect(exitKind(findings)).toBe(kind);
  });
});

describe('rendering', () => {
  it('plain output has glyphs, indented fixes and no escape codes', () => {
    const facts = healthy();
    facts.ollama = { reachable: false, problem: { message: 'Ollama is not running', kind: 'ollama_down' } };
    facts.models = { state: 'skipped', reason: 'Ollama is not reachable' };
    const text = renderFindings(diagnose(facts), createStyle(false));
    expect(text).not.toContain('\x1b[');
    expect(text).toContain('✓ Config: /cfg/config.json is valid\n');
    expect(text).toContain('✗ Ollama: Ollama is not running\n    fix: start Ollama (`ollama serve`)\n');
    expect(text).toContain('! Models: skipped');
    expect(text.trimEnd().split('\n').at(-1)).toBe(summarize(diagnose(facts)));
    expect(summarize(diagnose(facts))).toMatch(/^\d+ ok, 1 warning, 1 failure: not ready$/);
  });

  it('colour only when enabled', () => {
    expect(renderFindings(diagnose(healthy()), createStyle(true))).toContain('\x1b[32m✓\x1b[39m');
  });
});

describe('sensors adapter', () => {
  const roots: string[] = [];
  const tree = (files: Record<string, string>): string => {
    const root = mkdtempSync(join(tmpdir(), 'field-sysfs-'));
    roots.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  };
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it('reads the hottest thermal zone in millidegrees and a laptop on battery', async () => {
    const root = tree({
      'sys/class/thermal/thermal_zone0/temp': '45000\n',
      'sys/class/thermal/thermal_zone0/type': 'acpitz\n',
      'sys/class/thermal/thermal_zone1/temp': '67500\n',
      'sys/class/thermal/thermal_zone1/type': 'x86_pkg_temp\n',
      'sys/class/thermal/thermal_zone2/temp': '0\n',
      'sys/class/thermal/cooling_device0/cur_state': '0\n',
      'sys/class/power_supply/AC/type': 'Mains\n',
      'sys/class/power_supply/AC/online': '0\n',
      'sys/class/power_supply/BAT0/type': 'Battery\n',
      'sys/class/power_supply/BAT0/capacity': '76\n',
      'sys/class/power_supply/BAT0/status': 'Discharging\n',
    });
    const sensors = createSensors({ platform: 'linux', root });
    expect(await sensors.thermal()).toEqual({ source: 'sysfs', celsius: 67.5, zone: 'thermal_zone1, x86_pkg_temp' });
    expect(await sensors.power()).toEqual({ source: 'sysfs', onBattery: true, batteryPercent: 76 });
  });

  it('mains online means AC, and a mouse battery is not the laptop battery', async () => {
    const root = tree({
      'sys/class/power_supply/ACAD/type': 'Mains\n',
      'sys/class/power_supply/ACAD/online': '1\n',
      'sys/class/power_supply/hidpp_battery_0/type': 'Battery\n',
      'sys/class/power_supply/hidpp_battery_0/scope': 'Device\n',
      'sys/class/power_supply/hidpp_battery_0/capacity': '5\n',
    });
    expect(await createSensors({ platform: 'linux', root }).power()).toEqual({ source: 'sysfs', onBattery: false, batteryPercent: null });
  });

  it('a missing tree reads unknown, without throwing', async () => {
    const sensors = createSensors({ platform: 'linux', root: join(tmpdir(), 'field-no-such-sysfs-root') });
    expect(await sensors.thermal()).toBe('unknown');
    expect(await sensors.power()).toBe('unknown');
  });

  it('on macOS it parses notifyutil and pmset, and a failing command reads unknown', async () => {
    const calls: string[] = [];
    const sensors = createSensors({
      platform: 'darwin',
      run: async (file, args) => {
        calls.push([file, ...args].join(' '));
        if (file.endsWith('notifyutil')) return 'com.apple.system.thermalpressurelevel 2\n';
        return "Now drawing from 'Battery Power'\n -InternalBattery-0 (id=4653155)\t64%; discharging; 3:10 remaining present: true\n";
      },
    });
    expect(await sensors.thermal()).toEqual({ source: 'notifyutil', level: 2 });
    expect(await sensors.power()).toEqual({ source: 'pmset', onBattery: true, batteryPercent: 64 });
    expect(calls).toEqual(['/usr/bin/notifyutil -g com.apple.system.thermalpressurelevel', '/usr/bin/pmset -g batt']);

    const broken = createSensors({ platform: 'darwin', run: async () => { throw new Error('spawn ENOENT'); } });
    expect(await broken.thermal()).toBe('unknown');
    expect(await broken.power()).toBe('unknown');
  });

  it.each<[string, ReturnType<typeof parseThermalPressure>]>([
    ['com.apple.system.thermalpressurelevel 0\n', { source: 'notifyutil', level: 0 }],
    ['com.apple.system.thermalpressurelevel 9\n', 'unknown'],
    ['', 'unknown'],
  ])('notifyutil %j', (stdout, reading) => {
    expect(parseThermalPressure(stdout)).toEqual(reading);
  });

  it.each<[string, ReturnType<typeof parsePmsetBatt>]>([
    ["Now drawing from 'AC Power'\n", { source: 'pmset', onBattery: false, batteryPercent: null }],
    ["Now drawing from 'AC Power'\n -InternalBattery-0 (id=1)\t100%; charged; 0:00 remaining present: true\n", { source: 'pmset', onBattery: false, batteryPercent: 100 }],
    ['garbage', 'unknown'],
  ])('pmset %j', (stdout, reading) => {
    expect(parsePmsetBatt(stdout)).toEqual(reading);
  });

  it('other platforms read unknown', async () => {
    const sensors = createSensors({ platform: 'win32' });
    expect([await sensors.thermal(), await sensors.power()]).toEqual(['unknown', 'unknown']);
  });
});
