fn next() {
    return;
}
