"""Customer profiles (客户档案) as a library: grading with reasons, and completeness.

from flowkit.customers import completeness, grade
from flowkit.validate import load_customer_rules

rules = load_customer_rules("processes/")
result = grade(customer, rules)        # result.grade, result.rule, result.lines("zh-CN")
done = completeness(customer, rules)   # done.score, done.missing, done.missing_labels
"""

from flowkit.customers.completeness import Completeness, completeness
from flowkit.customers.grading import Comparison, Grading, RuleOutcome, grade, regrade

__all__ = [
    "Comparison",
    "Completeness",
    "Grading",
    "RuleOutcome",
    "completeness",
    "grade",
    "regrade",
]
