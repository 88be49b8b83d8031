module.exports = { ...require('../../jest.preset'), displayName: 'orders', rootDir: __dirname };
