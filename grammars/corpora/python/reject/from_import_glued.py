from os importpath
