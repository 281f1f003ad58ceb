switch (n) {
  case0:
    break;
}
