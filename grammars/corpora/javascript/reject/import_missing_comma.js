import { a b } from "m";
