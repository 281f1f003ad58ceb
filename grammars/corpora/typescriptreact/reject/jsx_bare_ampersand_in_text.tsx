const x = <p>Tom & Jerry</p>;
