// Allure 3 configuration for the allure-results/ of a conformance run:
//   npx allure generate reports/RUN/allure-results --config docs/examples/allurerc.mjs
// The tree follows the RFCs (protocol > RFC > section: the parentSuite, suite and subSuite
// labels the harness sets) instead of the Python package path, and the report is one file.
export default {
  name: "Mail protocol conformance",
  output: "./allure-report",
  plugins: {
    awesome: {
      options: {
        singleFile: true,
        groupBy: ["parentSuite", "suite", "subSuite"],
      },
    },
  },
};
