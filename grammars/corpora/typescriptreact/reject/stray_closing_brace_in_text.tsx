const el = <div>text } more</div>;
