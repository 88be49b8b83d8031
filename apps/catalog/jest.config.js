module.exports = { ...require('../../jest.preset'), displayName: 'catalog', rootDir: __dirname };
