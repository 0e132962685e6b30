"""Notebook 06's new dropout exercise: the reference passes, the stub is "not attempted", and plausible wrong
answers, written here independently of the bank's Mistake functions, are caught with their specific hint."""
import jax
import jax.numpy as jnp

from course_lib.exercises import nb06_training_a_network as bank

exercise = bank.dropout_exercise


def test_reference_passes_stub_not_attempted_mistakes_caught():
    assert exercise.check(exercise.reference).status == "correct"

    def stub(x, rate, key, training):
        raise NotImplementedError()
    assert exercise.check(stub).status == "not attempted"
    assert len(exercise.hints) == 3
    exercise.self_test()


def test_a_student_version_passes():
    def student(x, rate, key, training):
        if not training:
            return x
        keep = jax.random.bernoulli(key, 1 - rate, x.shape)
        return x * keep / (1 - rate)
    assert exercise.check(student).status == "correct"


def caught(answer, words):
    result = exercise.check(answer)
    assert result.status == "wrong values", result.message
    assert result.hint is not None and words in result.hint, result.message


def test_forgotten_scale_is_caught():
    caught(lambda x, rate, key, training: x * jax.random.bernoulli(key, 1 - rate, x.shape) if training else x,
           "not scaled")


def test_divided_by_rate_is_caught():
    caught(lambda x, rate, key, training: x * jax.random.bernoulli(key, 1 - rate, x.shape) / rate if training
           else x, "share DROPPED")


def test_dropping_at_evaluation_is_caught():
    caught(lambda x, rate, key, training: x * jax.random.bernoulli(key, 1 - rate, x.shape) / (1 - rate),
           "at evaluation")


def test_rate_used_as_keep_probability_is_caught():
    caught(lambda x, rate, key, training: jnp.where(jax.random.bernoulli(key, rate, x.shape), x / (1 - rate), 0)
           if training else x, "share to DROP")


def test_bank_docstring_examples_run():
    import doctest
    failures, tried = doctest.testmod(bank)
    assert tried > 0 and failures == 0


def test_a_mask_drawn_another_way_is_told_to_use_bernoulli():
    caught(lambda x, rate, key, training: jnp.where(jax.random.uniform(key, x.shape) > rate, x / (1 - rate), 0.0)
           if training else x, "jax.random.bernoulli(key, 1 - rate")
