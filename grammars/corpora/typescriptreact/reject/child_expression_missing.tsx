const el = <div>{</div>;
