fn main() {
    else {
        return;
    }
}
