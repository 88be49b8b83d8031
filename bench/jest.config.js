// The bench's tests: unit specs of its helpers, and bench.int-spec.ts, which runs the quick bench
// against the local stack (starting it when none runs) so that the bench cannot rot.
module.exports = {
  ...require('../jest.preset'),
  displayName: 'bench',
  rootDir: __dirname,
  testPathIgnorePatterns: ['/node_modules/', '/results/'],
};
