import { runnerContext } from './runner-activity';

describe('runnerContext', () => {
  it('says the runners there are, busiest state first, pluralising', () => {
    expect(runnerContext({ pending: 40, provisioning: 1, running: 3 })).toBe(
      '3 runners running, 1 runner provisioning, 40 runners pending',
    );
  });

  it('says nothing when there are none', () => {
    expect(runnerContext({ pending: 0, provisioning: 0, running: 0 })).toBeUndefined();
  });
});
