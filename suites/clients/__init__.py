"""The other direction: real clients graded by the reference server acting as a judge
(``conformance judge``), one test per check, over every client and applicable scenario."""
