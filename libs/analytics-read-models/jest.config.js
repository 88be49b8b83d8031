module.exports = {
  ...require('../../jest.preset'),
  displayName: 'analytics-read-models',
  rootDir: __dirname,
};
