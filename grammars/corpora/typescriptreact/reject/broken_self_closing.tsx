const el = <input value={x} / >;
