const el = <div className="a">text</div>>;
