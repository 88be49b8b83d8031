module.exports = { ...require('../../jest.preset'), displayName: 'inventory', rootDir: __dirname };
