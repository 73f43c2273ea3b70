package io.rimirec.tools.data.movielens;

/**
 * One line of a MovieLens {@code ratings.dat}: {@code UserID::MovieID::Rating::Timestamp}.
 *
 * @param line 0-based line number in the file: the tie-break for ratings a user gave in the same second
 */
public record Rating(String userId, String itemId, float rating, long timestamp, long line) {}
