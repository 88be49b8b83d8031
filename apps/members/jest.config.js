module.exports = { ...require('../../jest.preset'), displayName: 'members', rootDir: __dirname };
