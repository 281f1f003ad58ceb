const x = (<div></div>
  inside);
