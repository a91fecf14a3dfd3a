import { randomInt, randomUUID } from 'node:crypto';
import { AwsError } from './aws-error';

interface SecretVersion {
  versionId: string;
  value: string;
  created: Date;
}

interface StoredSecret {
  name: string;
  arn: string;
  current: SecretVersion;
  previous?: SecretVersion;
}

const ALPHANUMERICS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Secrets Manager's secrets (string values), and GetSecretValue as the service calls it. */
export class FakeSecretsManager {
  private readonly secrets = new Map<string, StoredSecret>();
  private readonly denied = new Set<string>();

  constructor(private readonly region: string) {}

  /** Forgets every secret and every denial. */
  clear(): void {
    this.secrets.clear();
    this.denied.clear();
  }

  /** Creates a secret or stores a new current version of it; returns the secret's ARN. */
  putSecret(name: string, value: string): string {
    const version = { versionId: randomUUID(), value, created: new Date() };
    const existing = this.secrets.get(name);
    if (existing) {
      // A new value keeps the secret's ARN; the version it replaces becomes AWSPREVIOUS.
      existing.previous = existing.current;
      existing.current = version;
      return existing.arn;
    }
    // AWS appends six random characters, so a recreated secret never matches an old full ARN.
    const suffix = Array.from({ length: 6 }, () => ALPHANUMERICS[randomInt(ALPHANUMERICS.length)]).join('');
    const arn = `${this.arnPrefix()}${name}-${suffix}`;
    this.secrets.set(name, { name, arn, current: version });
    return arn;
  }

  /** The caller's role may not read this secret (by name or ARN), even before it exists. */
  denyAccess(nameOrArn: string, denied = true): void {
    const name = this.find(nameOrArn)?.name ?? this.nameIn(nameOrArn);
    if (denied) this.denied.add(name);
    else this.denied.delete(name);
  }

  /** The current value of a secret, for tests to read. */
  secretValue(nameOrArn: string): string | undefined {
    return this.find(nameOrArn)?.current.value;
  }

  getSecretValue(input: Record<string, unknown>) {
    const secretId = input.SecretId;
    if (typeof secretId !== 'string' || secretId.length === 0) {
      throw new AwsError(
        'ValidationException',
        400,
        "1 validation error detected: Value at 'secretId' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
    }
    const stored = this.find(secretId);
    // IAM decides before the service looks: a denied caller cannot learn whether the secret exists.
    if (this.denied.has(stored?.name ?? this.nameIn(secretId))) {
      throw new AwsError(
        'AccessDeniedException',
        400,
        `User: arn:aws:sts::000000000000:assumed-role/local/status is not authorized to perform: secretsmanager:GetSecretValue on resource: ${secretId} because no identity-based policy allows the secretsmanager:GetSecretValue action`,
      );
    }
    if (!stored) {
      throw new AwsError(
        'ResourceNotFoundException',
        400,
        "Secrets Manager can't find the specified secret.",
      );
    }
    const [version, stage] = this.versionOf(
      stored,
      optionalString(input.VersionId),
      optionalString(input.VersionStage),
    );
    return {
      ARN: stored.arn,
      Name: stored.name,
      VersionId: version.versionId,
      SecretString: version.value,
      VersionStages: [stage],
      CreatedDate: version.created.getTime() / 1000,
    };
  }

  private versionOf(
    stored: StoredSecret,
    versionId: string | undefined,
    stage: string | undefined,
  ): [SecretVersion, string] {
    const versions: [SecretVersion, string][] = [[stored.current, 'AWSCURRENT']];
    if (stored.previous) versions.push([stored.previous, 'AWSPREVIOUS']);
    const found = versions.find(([version, label]) =>
      versionId === undefined
        ? label === (stage ?? 'AWSCURRENT')
        : version.versionId === versionId && (stage === undefined || label === stage),
    );
    if (!found) {
      throw new AwsError(
        'ResourceNotFoundException',
        400,
        `Secrets Manager can't find the specified secret value for ${
          versionId === undefined ? `staging label: ${stage}` : `VersionId: ${versionId}`
        }`,
      );
    }
    return found;
  }

  /** A secret by its name, its full ARN, or its partial ARN (without the random suffix). */
  private find(secretId: string): StoredSecret | undefined {
    if (!secretId.startsWith('arn:')) return this.secrets.get(secretId);
    return [...this.secrets.values()].find(
      (secret) => secret.arn === secretId || `${this.arnPrefix()}${secret.name}` === secretId,
    );
  }

  /** The name an ARN or a name stands for, when no secret matches it. */
  private nameIn(secretId: string): string {
    return secretId.startsWith(this.arnPrefix()) ? secretId.slice(this.arnPrefix().length) : secretId;
  }

  private arnPrefix(): string {
    return `arn:aws:secretsmanager:${this.region}:000000000000:secret:`;
  }
}

function optionalString(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new AwsError('SerializationException', 400, 'Expected a string');
}
