const el = <div {props}>x</div>;
