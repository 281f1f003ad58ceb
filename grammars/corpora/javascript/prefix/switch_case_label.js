switch (kind) {
  case "a":
    run();
  case