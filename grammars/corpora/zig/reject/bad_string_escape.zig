const path = "C:\windows\system32";
