module.exports = { ...require('../../jest.preset'), displayName: 'analytics', rootDir: __dirname };
