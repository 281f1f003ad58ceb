let x = @;
