/** A preset's runner configuration as the platform stores it in SSM, before any AMI exists. */
export const PENDING_RUNNER_CONFIG = {
  instanceTypes: ['m5.large', 'm5.xlarge'],
  ami: 'pending',
  diskSizeGb: 100,
  spotStrategy: 'spotPreferred',
  timeout: 7200,
  platform: 'linux',
  labels: ['self-hosted', 'X64', 'Linux'],
};
