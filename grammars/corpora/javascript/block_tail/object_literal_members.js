  port: 8080,
  host: "localhost",
  routes() {
    return [];
  },
};

module.exports = config;
