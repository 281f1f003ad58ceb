export { fetchBaseQuery } from('./fetchBaseQuery');
