import {
  GetParameterCommand,
  GetParametersCommand,
  InternalServerError,
  SSMServiceException,
  ParameterNotFound,
  ParameterType,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { AppLogger } from '../logging/app-logger';
import { PENDING_RUNNER_CONFIG } from '../testing/runner-config.fixture';
import { testConfig } from '../testing/test-config';
import { RunnerConfigRepository } from './runner-config.repository';

const PARAMETER_PREFIX = '/spot-runner/configs';
const PARAMETER = `${PARAMETER_PREFIX}/linux-x64`;
const STORED_CONFIG = PENDING_RUNNER_CONFIG;

describe('RunnerConfigRepository.setAmi', () => {
  const logger = new AppLogger();
  const repository = new RunnerConfigRepository(testConfig());
  const ssmMock = mockClient(repository.client);

  beforeEach(() => {
    ssmMock.reset();
    jest.restoreAllMocks();
  });

  function storedParameter(value: string, type: ParameterType = 'String') {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Value: value, Type: type } });
  }

  it('sets ami and keeps every other field and the parameter type', async () => {
    // Prepare
    storedParameter(JSON.stringify(STORED_CONFIG), 'SecureString');
    ssmMock.on(PutParameterCommand).resolves({ Version: 2 });

    // Act
    const result = await repository.setAmi('linux-x64', 'ami-0123456789abcdef0');

    // Assess
    expect(result).toBe('updated');
    expect(ssmMock).toHaveReceivedCommandWith(GetParameterCommand, { Name: PARAMETER, WithDecryption: true });
    const put = ssmMock.commandCalls(PutParameterCommand)[0].args[0].input;
    expect(put).toMatchObject({ Name: PARAMETER, Type: 'SecureString', Overwrite: true });
    expect(JSON.parse(put.Value!)).toEqual({ ...STORED_CONFIG, ami: 'ami-0123456789abcdef0' });
  });

  it('writes nothing when the config already uses the AMI', async () => {
    storedParameter(JSON.stringify({ ...STORED_CONFIG, ami: 'ami-0123456789abcdef0' }));

    const result = await repository.setAmi('linux-x64', 'ami-0123456789abcdef0');

    expect(result).toBe('already-set');
    expect(ssmMock).not.toHaveReceivedCommand(PutParameterCommand);
  });

  it('throws a missing parameter as ssm-parameter-missing, logs nothing and writes nothing', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    const logs = [jest.spyOn(logger, 'error'), jest.spyOn(logger, 'warn'), jest.spyOn(logger, 'info')];

    // Act
    const result = repository.setAmi('linux-x64', 'ami-0123456789abcdef0');

    // Assess
    await expect(result).rejects.toMatchObject({
      name: 'RunnerConfigError',
      outcome: 'ssm-parameter-missing',
    });
    expect(ssmMock).not.toHaveReceivedCommand(PutParameterCommand);
    for (const log of logs) expect(log).not.toHaveBeenCalled();
  });

  it.each([
    ['not JSON', 'ami=pending'],
    ['a JSON array', '["pending"]'],
    ['a JSON string', '"pending"'],
    ['JSON null', 'null'],
  ])('throws a value that is %s as ssm-config-invalid and writes nothing', async (_, value) => {
    storedParameter(value);

    const result = repository.setAmi('linux-x64', 'ami-0123456789abcdef0');

    await expect(result).rejects.toMatchObject({ outcome: 'ssm-config-invalid' });
    expect(ssmMock).not.toHaveReceivedCommand(PutParameterCommand);
  });

  it.each(['ValidationException', 'ParameterMaxVersionLimitExceeded'])(
    'reports SSM refusing the write (%s, e.g. a value past 4096 characters) as ssm-update-rejected',
    async (name) => {
      storedParameter(JSON.stringify(STORED_CONFIG));
      ssmMock.on(PutParameterCommand).rejects(
        new SSMServiceException({
          name,
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
          message: 'Standard tier parameters support a maximum parameter value of 4096 characters.',
        }),
      );

      await expect(repository.setAmi('linux-x64', 'ami-0123456789abcdef0')).rejects.toMatchObject({
        outcome: 'ssm-update-rejected',
      });
    },
  );

  it('throws an SSM failure on write as ssm-update-failed, with SSM’s error as the cause', async () => {
    storedParameter(JSON.stringify(STORED_CONFIG));
    const failure = new InternalServerError({ message: 'Internal failure', $metadata: {} });
    ssmMock.on(PutParameterCommand).rejects(failure);

    const result = repository.setAmi('linux-x64', 'ami-0123456789abcdef0');

    await expect(result).rejects.toMatchObject({ outcome: 'ssm-update-failed', cause: failure });
  });
});

describe('RunnerConfigRepository.readRunnerConfigs', () => {
  const repository = new RunnerConfigRepository(testConfig());
  const ssmMock = mockClient(repository.client);

  beforeEach(() => ssmMock.reset());

  it('reads 10 parameters a call, decrypted, and gives each preset the ami its config holds, or why it holds none', async () => {
    // Prepare: 12 presets; one parameter missing, one not JSON, one without ami.
    const presets = Array.from({ length: 12 }, (_, i) => `preset-${i}`);
    ssmMock.on(GetParametersCommand).callsFake((input: { Names: string[] }) => ({
      Parameters: input.Names.flatMap((name) => {
        if (name.endsWith('preset-3')) return [];
        const value = name.endsWith('preset-4')
          ? 'not json'
          : name.endsWith('preset-5')
            ? '{"platform":"linux"}'
            : JSON.stringify({ ami: `ami-${name.slice(-1)}`, platform: 'linux' });
        return [{ Name: name, Value: value, Type: 'String' }];
      }),
      InvalidParameters: input.Names.filter((name) => name.endsWith('preset-3')),
    }));

    // Act
    const amis = await repository.readRunnerConfigs(presets);

    // Assess
    const calls = ssmMock.commandCalls(GetParametersCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.Names?.length)).toEqual([10, 2]);
    expect(calls.every((input) => input.WithDecryption === true)).toBe(true);
    expect(calls.flatMap((input) => input.Names)).toEqual(
      presets.map((preset) => `${PARAMETER_PREFIX}/${preset}`),
    );
    expect(amis.get('preset-0')).toEqual({ kind: 'found', amiId: 'ami-0' });
    expect(amis.get('preset-11')).toEqual({ kind: 'found', amiId: 'ami-1' });
    expect([amis.get('preset-3'), amis.get('preset-4'), amis.get('preset-5')]).toEqual([
      { kind: 'problem', problem: 'ssm-parameter-missing' },
      { kind: 'problem', problem: 'ssm-config-invalid' },
      { kind: 'found', amiId: undefined },
    ]);
    expect(amis.size).toBe(12);
  });

  it('throws what SSM throws, for the caller to retry later', async () => {
    ssmMock.on(GetParametersCommand).rejects(new InternalServerError({ $metadata: {}, message: 'boom' }));

    await expect(repository.readRunnerConfigs(['linux-x64'])).rejects.toThrow('boom');
  });
});
