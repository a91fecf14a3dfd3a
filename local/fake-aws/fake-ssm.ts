import { AwsError } from './aws-error';

export type ParameterType = 'String' | 'StringList' | 'SecureString';

interface StoredParameter {
  name: string;
  type: ParameterType;
  value: string;
  version: number;
  lastModified: Date;
}

const PARAMETER_TYPES: readonly string[] = ['String', 'StringList', 'SecureString'];
const MAX_STANDARD_VALUE_LENGTH = 4096;
const MAX_NAMES_PER_GET_PARAMETERS = 10;

/** SSM Parameter Store's parameters, and the three operations the service calls. */
export class FakeSsm {
  private readonly parameters = new Map<string, StoredParameter>();

  constructor(private readonly region: string) {}

  /** Forgets every parameter. */
  clear(): void {
    this.parameters.clear();
  }

  /** Seeds or replaces a parameter. */
  setParameter(name: string, value: string, type: ParameterType = 'String'): void {
    const version = (this.parameters.get(name)?.version ?? 0) + 1;
    this.parameters.set(name, { name, type, value, version, lastModified: new Date() });
  }

  parameter(name: string): { value: string; type: ParameterType; version: number } | undefined {
    const stored = this.parameters.get(name);
    return stored && { value: stored.value, type: stored.type, version: stored.version };
  }

  getParameter(input: Record<string, unknown>) {
    const name = requiredName(input.Name);
    const stored = this.parameters.get(name);
    if (!stored) throw new AwsError('ParameterNotFound', 400, '');
    return { Parameter: this.describe(stored, input.WithDecryption === true) };
  }

  getParameters(input: Record<string, unknown>) {
    const names = input.Names;
    if (!Array.isArray(names) || names.length < 1 || names.length > MAX_NAMES_PER_GET_PARAMETERS) {
      throw new AwsError(
        'ValidationException',
        400,
        `1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and ${MAX_NAMES_PER_GET_PARAMETERS}`,
      );
    }
    const parameters = [];
    const invalid: string[] = [];
    for (const name of names.map(String)) {
      const stored = this.parameters.get(name);
      if (stored) parameters.push(this.describe(stored, input.WithDecryption === true));
      else invalid.push(name);
    }
    return { Parameters: parameters, InvalidParameters: invalid };
  }

  putParameter(input: Record<string, unknown>) {
    const name = requiredName(input.Name);
    if (typeof input.Value !== 'string' || input.Value.length === 0) {
      throw new AwsError('ValidationException', 400, 'Value must not be empty');
    }
    if (input.Value.length > MAX_STANDARD_VALUE_LENGTH) {
      throw new AwsError('ValidationException', 400, 'Standard parameter values are at most 4096 characters');
    }
    const existing = this.parameters.get(name);
    if (existing && input.Overwrite !== true) {
      throw new AwsError('ParameterAlreadyExists', 400, 'The parameter already exists.');
    }
    const type = input.Type ?? existing?.type;
    if (typeof type !== 'string' || !PARAMETER_TYPES.includes(type)) {
      throw new AwsError(
        'ValidationException',
        400,
        'A parameter type is required when creating a parameter',
      );
    }
    this.setParameter(name, input.Value, type as ParameterType);
    return { Version: this.parameters.get(name)!.version, Tier: 'Standard' };
  }

  private describe(stored: StoredParameter, withDecryption: boolean) {
    const hidden = stored.type === 'SecureString' && !withDecryption;
    return {
      Name: stored.name,
      Type: stored.type,
      Value: hidden ? Buffer.from(`encrypted:${stored.value}`).toString('base64') : stored.value,
      Version: stored.version,
      LastModifiedDate: stored.lastModified.getTime() / 1000,
      ARN: `arn:aws:ssm:${this.region}:000000000000:parameter${stored.name}`,
      DataType: 'text',
    };
  }
}

function requiredName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new AwsError('ValidationException', 400, 'Name is required');
  }
  return name;
}
