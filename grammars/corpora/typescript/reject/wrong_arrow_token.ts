type Fn = (x: number) -> void;
