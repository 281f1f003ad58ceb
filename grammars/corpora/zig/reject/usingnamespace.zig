pub usingnamespace @import("std");
