fn make() -> Point {
    Point { x: 1, 