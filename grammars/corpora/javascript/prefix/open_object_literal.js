export default {
  name: "widget",
  data() {
    return { open: false };
  },
  computed: {
