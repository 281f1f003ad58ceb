const permissions = 0755;
