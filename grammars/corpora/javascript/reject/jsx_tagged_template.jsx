const x = <a />`b`;
