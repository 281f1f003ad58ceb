let v: string[ = [];
