// Stands in for the debug package in dist/oclif.js: oclif's logger makes its debug
// functions at start-up, and loading debug (it opens tty to choose colours) took
// ~9 ms of every start. The real package is loaded at the first message, and only
// when DEBUG is set, as it would have printed nothing otherwise.
const realDebug = () => require('debug/src/node.js');
module.exports = function createDebug(namespace) {
  let real;
  return (...args) => {
    if (!process.env.DEBUG) return;
    real ??= realDebug()(namespace);
    real(...args);
  };
};
