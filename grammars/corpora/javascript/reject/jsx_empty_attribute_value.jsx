const el = <div className=>text</div>;
