export { connectNats, connectionOptions } from "./connect.js";
