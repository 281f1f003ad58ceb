test "t" {
    //!word;
}
