for (const x offiles) {
}
