package io.rimirec.tools.data.movielens;

import java.util.List;

/** One line of a MovieLens {@code movies.dat}: {@code MovieID::Title::Genres} (genres split on {@code |}). */
public record Movie(String id, String title, List<String> genres) {}
