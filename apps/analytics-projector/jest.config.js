module.exports = { ...require('../../jest.preset'), displayName: 'analytics-projector', rootDir: __dirname };
