const fs = require("fs");

function readLines(path) {
  const text = fs.readFileSync(path, "utf8");
  return text.split(‸);
}

module.exports = { readLines };
